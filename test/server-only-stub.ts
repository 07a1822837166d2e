// Tests import server modules directly; `server-only` would throw outside Next's bundler.
export {};
