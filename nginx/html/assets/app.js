// Fills the product list from the API, so page views also produce proxied /api/ requests.
(async () => {
  const list = document.getElementById("products");
  if (!list) return;
  const response = await fetch("/api/products");
  if (!response.ok) return;
  for (const p of await response.json()) {
    const item = document.createElement("li");
    item.textContent = `${p.name}: ${p.price}`;
    list.appendChild(item);
  }
})();
