export default {
  projects: ["<rootDir>/packages/*", "<rootDir>/apps/*", "<rootDir>/tools/*"],
};
