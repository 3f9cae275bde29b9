/** The authenticated state tree (docs/protocol.md §18): update, proofs, node stores. */
export { EMPTY_ROOT, applyWrites } from './update.ts';
export { type NodePut, buildTree } from './build.ts';
export { type KeyProof, proveKey, proveKeys } from './proof.ts';
export type { NodeReader, TreeRoot, TreeUpdate } from './node-store.ts';
export { MemoryNodeStore } from './memory-node-store.ts';
export { LevelNodeStore, type LevelNodeStoreOptions } from './level-node-store.ts';
export { type ChildRef, type TreeNode, decodeNode, encodeNode, nodeKey } from './node.ts';
