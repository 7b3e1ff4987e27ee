export default {
  projects: ["<rootDir>/packages/*", "<rootDir>/apps/*", "<rootDir>/tools/*"],
  // A global option (ignored inside projects): integration tests start databases and processes
  // while other suites share the two cores, so the 5 s default would measure load, not code.
  testTimeout: 90_000,
  // Two at a time on the two cores: most integration suites wait on timers, processes and the
  // network, so running them side by side halves the wall time of the suite.
  maxWorkers: 2,
};
