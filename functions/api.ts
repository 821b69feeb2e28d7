// Placeholder: the api functions are registered here by their owner.
export {};
