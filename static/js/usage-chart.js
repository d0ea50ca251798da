// Transferred orders per month as bars, the quota as a line (data from a json_script tag).
// The quota is drawn by a small plugin as a step across each month's whole width, so it shows as a
// line whatever the number of months (Chart.js draws no line through a single point).
(function () {
  const canvas = document.getElementById("usage-chart");
  const source = document.getElementById("usage-data");
  if (!canvas || !source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang;
  const QUOTA_COLOUR = "#198754";

  const quotaLine = {
    id: "quotaLine",
    afterDatasetsDraw(chart) {
      const x = chart.scales.x, y = chart.scales.y, ctx = chart.ctx;
      const meta = chart.getDatasetMeta(1);
      if (meta.hidden) return;
      const half = data.labels.length > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) / 2 : (x.right - x.left) / 2;
      ctx.save();
      ctx.strokeStyle = QUOTA_COLOUR;
      ctx.lineWidth = 2;
      ctx.beginPath();
      let drawing = false;
      data.quota.forEach((quota, i) => {
        if (quota === null) { drawing = false; return; }
        const centre = x.getPixelForValue(i), level = y.getPixelForValue(quota);
        if (drawing) ctx.lineTo(centre - half, level); else ctx.moveTo(centre - half, level);
        ctx.lineTo(centre + half, level);
        drawing = true;
      });
      ctx.stroke();
      ctx.restore();
    },
  };

  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: lang === "sv" ? "Överförda ordrar" : "Transferred orders", data: data.orders,
          backgroundColor: data.orders.map((n, i) => (data.quota[i] !== null && n > data.quota[i]) ? "#dc3545" : "#0d6efd") },
        { type: "line", label: lang === "sv" ? "Kvot" : "Quota", data: data.quota, borderColor: QUOTA_COLOUR,
          backgroundColor: QUOTA_COLOUR, showLine: false, pointRadius: 0, pointHitRadius: 12 },
      ],
    },
    options: { animation: false, scales: { y: { beginAtZero: true } } },
    plugins: [quotaLine],
  });
  canvas.dataset.quotaDrawn = String(data.quota.filter((q) => q !== null).length);
})();
