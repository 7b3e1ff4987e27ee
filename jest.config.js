export default {
  projects: ["<rootDir>/packages/*", "<rootDir>/apps/*", "<rootDir>/tools/*"],
  // A global option (ignored inside projects): integration tests start databases and processes
  // while other suites share the two cores, so the 5 s default would measure load, not code.
  testTimeout: 90_000,
};
