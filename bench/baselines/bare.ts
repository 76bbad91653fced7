/** The `bare` baseline: a Hono app that answers 200 JSON and does nothing else. */
import { Hono } from "hono";

const app = new Hono();
app.all("*", (c) => c.json({ result: "ok" }));

export default app;
