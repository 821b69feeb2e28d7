// Placeholder: the sweep functions are registered here by their owner.
export {};
