export interface Item { price: number; qty: number; discount?: number }

export function total(items: Item[]): number {
  const cents = items.reduce(
    (sum, i) => sum + Math.round(i.price * 100) * i.qty * (1 - (i.discount ?? 0)), 0);
  return Math.round(cents) / 100;
}
