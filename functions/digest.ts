// Placeholder: the digest functions are registered here by their owner.
export {};
