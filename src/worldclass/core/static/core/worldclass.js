// Page behaviour without inline scripts (the Content-Security-Policy allows scripts from this site only).
(function () {
  // Progress bars carry their width as data-progress-percent; setting it through the DOM is allowed by the policy.
  const setProgressWidths = function (root) {
    root.querySelectorAll("[data-progress-percent]").forEach(function (bar) {
      const percent = Math.max(0, Math.min(100, Number(bar.dataset.progressPercent) || 0));
      bar.style.width = percent + "%";
    });
  };
  setProgressWidths(document);
  // Content htmx swaps in later (a polled upload status) brings its own bars.
  document.addEventListener("htmx:load", function (event) {
    setProgressWidths(event.target.parentElement || document);
  });

  // Counts characters as the applicant sees them (grapheme clusters), as the server does.
  const segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, {granularity: "grapheme"}) : null;
  document.querySelectorAll("[data-grapheme-count-for]").forEach(function (out) {
    const input = document.getElementById(out.dataset.graphemeCountFor);
    if (!input) return;
    const update = function () {
      const text = input.value.trim();
      out.textContent = segmenter ? Array.from(segmenter.segment(text)).length : Array.from(text).length;
    };
    input.addEventListener("input", update);
    update();
  });
})();
