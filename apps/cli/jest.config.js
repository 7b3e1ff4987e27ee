import base from "../../jest.config.base.js";
export default { ...base, displayName: "@uptop/cli", testTimeout: 90_000 };
