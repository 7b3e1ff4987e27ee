import { createLogger, loadConfigOrExit, runService } from "@uptop/core";
import { startFollower } from "./follower.js";

const config = loadConfigOrExit(process.env, { expectedMode: "follower" });
const logger = createLogger({ level: config.logLevel, defaultMeta: { node: config.cluster.nodeId, role: "follower" } });
await runService(logger, (_signal, fail) => startFollower(config, logger, { fail }));
