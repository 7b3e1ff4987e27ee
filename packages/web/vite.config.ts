import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app is served by the leader from dist/app; hashed file names under /assets let it cache them for good.
export default defineConfig({
  root: "src/app",
  base: "/",
  plugins: [react()],
  build: { outDir: "../../dist/app", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/status": "http://127.0.0.1:8080" } },
});
