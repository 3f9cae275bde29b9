/** The UUIDv5 namespace of every dchat id (docs/protocol.md §6.1), alone so the client SDK imports it without the rest of ids.ts. */
export const DCHAT_NAMESPACE = 'a0f04fc7-460a-489f-a322-b1ec63ed746b';
