import base from "../../jest.config.base.js";

// TSX through swc with React's automatic runtime; Ink and its dependencies are ESM-only and load
// as native modules (jest runs with --experimental-vm-modules), so node_modules stay untransformed.
export default {
  ...base,
  displayName: "@uptop/tui",
  extensionsToTreatAsEsm: [".ts", ".tsx"],
  transform: {
    "^.+\\.tsx?$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", tsx: true },
          target: "es2022",
          transform: { react: { runtime: "automatic" } },
        },
        module: { type: "es6" },
      },
    ],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts", "<rootDir>/test/**/*.test.tsx"],
};
