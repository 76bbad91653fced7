/**
 * GET /docs: the API reference for people, rendered by the worker from the OpenAPI document in the
 * console's layout (every operation: its parameters, body, answers and keys; then the schemas),
 * readable without JavaScript and loading nothing from another host.
 */
import type { Hono } from "hono";
import { viewOf } from "./components";
import { Page } from "./layout";
import { render } from "./render";
import type { ConsoleEnv } from "./viewer";

type Schema = {
	$ref?: string;
	type?: string | string[];
	enum?: unknown[];
	items?: Schema;
	properties?: Record<string, Schema>;
	required?: string[];
	description?: string;
	anyOf?: Schema[];
	oneOf?: Schema[];
	format?: string;
	nullable?: boolean;
	additionalProperties?: Schema | boolean;
};
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Operation = {
	summary?: string;
	description?: string;
	tags?: string[];
	security?: Record<string, string[]>[];
	parameters?: Parameter[];
	requestBody?: { content?: Record<string, { schema?: Schema }> };
	responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};
export interface ApiDocument {
	info: { title: string; description?: string };
	paths?: Record<string, Partial<Record<string, Operation>>>;
	components?: { schemas?: Record<string, Schema> };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const anchor = (name: string) => `schema-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

/** A schema in a few words: its type, a link to a named one, its values. */
function TypeOf({ schema }: { schema: Schema | undefined }) {
	if (!schema) return <span class="muted">—</span>;
	if (schema.$ref) {
		const name = schema.$ref.split("/").at(-1) ?? schema.$ref;
		return <a href={`#${anchor(name)}`}>{name}</a>;
	}
	const union = schema.anyOf ?? schema.oneOf;
	if (union)
		return (
			<>
				{union.map((s, i) =>
					i === 0 ? (
						<TypeOf schema={s} />
					) : (
						<>
							{" "}
							| <TypeOf schema={s} />
						</>
					),
				)}
			</>
		);
	if (schema.enum) return <code>{schema.enum.map((v) => JSON.stringify(v)).join(" | ")}</code>;
	if (schema.type === "array") {
		return (
			<>
				<TypeOf schema={schema.items} />
				[]
			</>
		);
	}
	const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "object");
	return <code>{schema.format ? `${type} (${schema.format})` : type}</code>;
}

function Fields({ schema }: { schema: Schema }) {
	const fields = Object.entries(schema.properties ?? {});
	if (fields.length === 0) return <TypeOf schema={schema} />;
	return (
		<table>
			<thead>
				<tr>
					<th scope="col">Field</th>
					<th scope="col">Type</th>
					<th scope="col">What</th>
				</tr>
			</thead>
			<tbody>
				{fields.map(([name, field]) => (
					<tr>
						<td>
							<code>{name}</code>
							{schema.required?.includes(name) ? " *" : ""}
						</td>
						<td>
							<TypeOf schema={field} />
						</td>
						<td class="small">{field.description ?? ""}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}

function OperationOf({ method, path, op }: { method: string; path: string; op: Operation }) {
	const body = op.requestBody?.content?.["application/json"]?.schema;
	const keys = (op.security ?? []).flatMap((s) => Object.keys(s));
	return (
		<article class="docs-op" id={`${method}-${path.replace(/[^A-Za-z0-9]+/g, "-")}`}>
			<h3>
				<span class={`method m-${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
			</h3>
			<p>{op.summary ?? ""}</p>
			{op.description ? <p class="small muted">{op.description}</p> : null}
			{keys.length > 0 ? <p class="small">Keys: {keys.join(", ")}</p> : null}
			{op.parameters?.length ? (
				<div class="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">Parameter</th>
								<th scope="col">In</th>
								<th scope="col">Type</th>
								<th scope="col">What</th>
							</tr>
						</thead>
						<tbody>
							{op.parameters.map((p) => (
								<tr>
									<td>
										<code>{p.name}</code>
										{p.required ? " *" : ""}
									</td>
									<td>{p.in}</td>
									<td>
										<TypeOf schema={p.schema} />
									</td>
									<td class="small">{p.description ?? p.schema?.description ?? ""}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : null}
			{body ? (
				<p class="small">
					Body: <TypeOf schema={body} />
				</p>
			) : null}
			<ul class="small">
				{Object.entries(op.responses ?? {}).map(([status, answer]) => (
					<li>
						<strong>{status}</strong> {answer.description ?? ""}{" "}
						{answer.content?.["application/json"]?.schema ? (
							<TypeOf schema={answer.content["application/json"].schema} />
						) : null}
					</li>
				))}
			</ul>
		</article>
	);
}

export function DocsPage({ document, view }: { document: ApiDocument; view: ReturnType<typeof viewOf> }) {
	const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
		METHODS.flatMap((method) => (item[method] ? [{ method, path, op: item[method] as Operation }] : [])),
	);
	const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? "Other"))];
	const schemas = Object.entries(document.components?.schemas ?? {});
	return (
		<Page view={view} title={document.info.title} section="docs">
			<h1>{document.info.title}</h1>
			<p>{document.info.description ?? ""}</p>
			<p>
				The OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a>
			</p>
			<section class="panel" aria-labelledby="h-operations">
				<h2 id="h-operations">Operations</h2>
				<div class="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">Method</th>
								<th scope="col">Path</th>
								<th scope="col">What</th>
							</tr>
						</thead>
						<tbody>
							{operations.map(({ method, path, op }) => (
								<tr>
									<td>
										<code>{method.toUpperCase()}</code>
									</td>
									<td>
										<a href={`#${method}-${path.replace(/[^A-Za-z0-9]+/g, "-")}`}>
											<code>{path}</code>
										</a>
									</td>
									<td>{op.summary ?? ""}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</section>
			{tags.map((tag) => (
				<section class="panel ops" aria-label={tag}>
					<h2>{tag}</h2>
					{operations
						.filter((o) => (o.op.tags?.[0] ?? "Other") === tag)
						.map((o) => (
							<OperationOf method={o.method} path={o.path} op={o.op} />
						))}
				</section>
			))}
			<section class="panel" aria-labelledby="h-schemas">
				<h2 id="h-schemas">Schemas</h2>
				{schemas.map(([name, schema]) => (
					<div id={anchor(name)} class="docs-op">
						<h3>{name}</h3>
						{schema.description ? <p class="small muted">{schema.description}</p> : null}
						<div class="table-wrap">
							<Fields schema={schema} />
						</div>
					</div>
				))}
			</section>
		</Page>
	);
}

export function serveDocs(app: Hono<ConsoleEnv>, documentOf: () => ApiDocument): void {
	app.get("/docs", (c) => render(c, <DocsPage document={documentOf()} view={viewOf(c)} />));
}
