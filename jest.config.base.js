// Shared jest settings: ESM throughout (p-limit and PGlite are ESM), TypeScript via swc.
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "es6" } },
    ],
  },
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // Integration tests start databases and processes while other suites run in parallel on two
  // cores: the 5 s default measures the machine's load, not the code.
  testTimeout: 60_000,
};
