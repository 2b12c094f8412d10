// The entity's monthly rates, the edition's metric drawn bold with its 95% interval, and the threshold as a line.
(function () {
  const source = document.getElementById("trend-data");
  const canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const palette = { wcc: "#0b5ed7", fcr: "#198754", resolved: "#6f42c1", overall_top_box: "#b35c00", csr_top_box: "#8a2846" };
  const datasets = [];
  for (const series of data.series) {
    const main = series.key === data.metric;
    datasets.push({
      label: series.label,
      data: series.values,
      borderColor: palette[series.key],
      backgroundColor: palette[series.key],
      borderWidth: main ? 3 : 1.5,
      hidden: !main && series.key !== "fcr" && series.key !== "wcc",
      spanGaps: true,
      tension: 0.2,
    });
    if (main) {
      datasets.push({ label: series.label + " 95% ↑", data: series.high, borderWidth: 0, pointRadius: 0, fill: "+1",
        backgroundColor: "rgba(11, 94, 215, 0.12)", spanGaps: true });
      datasets.push({ label: series.label + " 95% ↓", data: series.low, borderWidth: 0, pointRadius: 0, fill: false,
        spanGaps: true });
    }
  }
  if (data.threshold !== null) {
    datasets.push({
      label: data.thresholdLabel + " (" + data.threshold + "%)",
      data: data.labels.map(() => data.threshold),
      borderColor: "#dc3545",
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
    });
  }
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } },
      plugins: { legend: { labels: { filter: (item) => !item.text.includes("95% ↓") } } },
    },
  });
})();
