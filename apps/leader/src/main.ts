import { createLogger, loadConfigOrExit, runService } from "@uptop/core";
import { startLeader } from "./leader.js";

const config = loadConfigOrExit(process.env, { expectedMode: "leader" });
const logger = createLogger({ level: config.logLevel, defaultMeta: { node: config.cluster.nodeId, role: "leader" } });
await runService(logger, (signal, fail) => startLeader(config, logger, { signal, fail }));
