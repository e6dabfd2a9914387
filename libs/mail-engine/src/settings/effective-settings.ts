// Filled in by the accounts work: the one resolver of ARCHITECTURE.md section 5.
export {};
