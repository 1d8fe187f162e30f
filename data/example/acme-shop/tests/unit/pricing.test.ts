import { total } from "../../src/lib/pricing";

test("sums price times quantity", () => {
  expect(total([{ price: 2.5, qty: 2 }, { price: 1, qty: 1 }])).toBe(6);
});

test("applies discounts", () => {
  expect(total([{ price: 10, qty: 1, discount: 0.1 }])).toBe(9);
});
