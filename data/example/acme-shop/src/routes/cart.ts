import { Router } from "express";
import { total } from "../lib/pricing.js";

export const cartRouter = Router();
cartRouter.post("/total", (req, res) => res.json({ total: total(req.body.items ?? []) }));
