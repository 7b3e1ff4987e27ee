export { docBlocks, variablesIn, DocMarkerError, type BlockKind, type BlockMode, type DocBlock } from "./doc-blocks.js";
