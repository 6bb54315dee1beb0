// The data page. init is called once the engine is ready.
export function init(engine) {}
