// Transferred orders per month as bars, the quota as a line (data from a json_script tag).
(function () {
  const canvas = document.getElementById("usage-chart");
  const source = document.getElementById("usage-data");
  if (!canvas || !source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang;
  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: lang === "sv" ? "Överförda ordrar" : "Transferred orders", data: data.orders,
          backgroundColor: data.orders.map((n, i) => (data.quota[i] !== null && n > data.quota[i]) ? "#dc3545" : "#0d6efd") },
        { type: "line", label: lang === "sv" ? "Kvot" : "Quota", data: data.quota, borderColor: "#198754", stepped: true, pointRadius: 0 },
      ],
    },
    options: { animation: false, scales: { y: { beginAtZero: true } } },
  });
})();
