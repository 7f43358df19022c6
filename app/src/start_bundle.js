// Starts the browser app once the server's page has painted: one frame, then a task. The bundle
// is not hinted for preloading either: a phone's first paint then waits for the HTML and the
// stylesheet only (BENCHMARKS.md, "Route splitting, and when the bundle starts").
(function (js, wasm) {
	let started = false;
	const start = () => {
		if (started) return;
		started = true;
		import(js).then((bundle) => bundle.default({ module_or_path: wasm }).then(() => bundle.hydrate()));
	};
	requestAnimationFrame(() => setTimeout(start, 0));
	// A tab opened in the background paints no frame until it is shown; start it anyway.
	setTimeout(start, 1000);
})
