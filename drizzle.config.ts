import { defineConfig } from "drizzle-kit";

export default defineConfig({
	dialect: "sqlite",
	schema: ["./src/storage/schema.ts", "./src/storage/delivery-schema.ts", "./src/storage/alert-schema.ts"],
	out: "./migrations",
});
