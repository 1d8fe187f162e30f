import express from "express";
import { register } from "prom-client";
import { cartRouter } from "./routes/cart.js";

const app = express();
app.use(express.json());
app.use("/cart", cartRouter);
app.get("/healthz", (_req, res) => res.send("ok"));
app.get("/metrics", async (_req, res) => {
  res.type(register.contentType).send(await register.metrics());
});
app.listen(8080);
