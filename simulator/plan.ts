/**
 * What the simulator sends: QI Tech's documented flows, read from the catalog (FLOWS, EVENT_TYPES)
 * and dressed in QI Tech's own example payloads, with fresh keys per run. Pure: runs in Node
 * (the CLI) and in workerd (the tests).
 */
import type { EntityKind, EventType } from "../src/catalog/catalog";
import { eventBody, mainPath, pathsToEachFinal, typeOf } from "./qitech/examples";

export const FLOW_NAMES = [
	"commercial-paper",
	"subscription",
	"assignment",
	"asset",
	"payment-instrument",
	"payment-batch",
] as const;
export type FlowName = (typeof FLOW_NAMES)[number];

/** One webhook of the plan. `copy` > 0 marks a resend of the same body (QI Tech's retries). */
export interface Webhook {
	flow: FlowName;
	type: EventType;
	kind: EntityKind;
	key: string;
	status: string;
	body: string;
	copy: number;
}

/** An entity the plan moves, and where its documented path ends. */
export interface PlannedEntity {
	flow: FlowName;
	kind: EntityKind;
	key: string;
	final: string;
}

export interface Plan {
	/** One lane per flow instance: its webhooks in send order. Lanes may run concurrently. */
	lanes: Webhook[][];
	entities: PlannedEntity[];
	seed: number;
}

export interface PlanOptions {
	flows: readonly FlowName[];
	/** Instances of each flow. */
	entities?: number;
	/** Extra deliveries of every webhook. */
	duplicates?: number;
	/** Shuffle each lane (seeded, so a run can be replayed). */
	shuffle?: boolean;
	seed?: number;
	/** Event time of a lane's first step; later steps are a second apart. */
	start?: Date;
}

interface Step {
	kind: EntityKind;
	key: string;
	status: string;
	links?: Record<string, string>;
}

function walk(
	kind: EntityKind,
	path: readonly string[],
	links?: Record<string, string>,
	key = crypto.randomUUID(),
): Step[] {
	return path.map((status) => ({ kind, key, status, links }));
}

const SCRIPTS: Record<FlowName, () => Step[]> = {
	"commercial-paper": () => [
		...walk("issuer", mainPath("issuer")),
		...walk("investor", mainPath("investor")),
		...walk("operation", mainPath("operation")),
	],
	subscription: () => {
		const subscription = walk("subscription", mainPath("subscription"));
		const payment = walk("subscription_payment", mainPath("subscription_payment"), {
			subscription: subscription[0].key,
		});
		// The payment runs while the subscription waits for it; the subscription finishes last.
		return [...subscription.slice(0, -1), ...payment, ...subscription.slice(-1)];
	},
	assignment: () => walk("assignment", mainPath("assignment")),
	asset: () => {
		const assignment = crypto.randomUUID();
		return [...walk("asset", mainPath("asset"), { assignment }), ...walk("asset", mainPath("asset"), { assignment })];
	},
	"payment-instrument": () =>
		pathsToEachFinal("payment_instrument_entry").flatMap((p) => walk("payment_instrument_entry", p)),
	"payment-batch": () => walk("payment_batch", mainPath("payment_batch")),
};

function eventTime(start: Date, step: number): string {
	return new Date(start.getTime() + step * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function buildPlan(options: PlanOptions): Plan {
	const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
	const random = seededRandom(seed);
	const start = options.start ?? new Date();
	const lanes: Webhook[][] = [];
	const entities: PlannedEntity[] = [];
	for (let i = 0; i < (options.entities ?? 1); i++) {
		for (const flow of options.flows) {
			const steps = SCRIPTS[flow]();
			const originals = steps.map((s, n) => webhookOf(flow, s, eventTime(start, n)));
			const lane = originals.flatMap((w) =>
				Array.from({ length: 1 + (options.duplicates ?? 0) }, (_, copy) => ({ ...w, copy })),
			);
			lanes.push(options.shuffle ? shuffled(lane, random) : lane);
			entities.push(...finalsOf(flow, steps));
		}
	}
	return { lanes, entities, seed };
}

function webhookOf(flow: FlowName, step: Step, at: string): Webhook {
	const type = typeOf(step.kind, step.status);
	const body = eventBody({ type, key: step.key, status: step.status, at, links: step.links });
	return { flow, type, kind: step.kind, key: step.key, status: step.status, body, copy: 0 };
}

/** Documented final status: the last status each entity's path reaches. */
function finalsOf(flow: FlowName, steps: Step[]): PlannedEntity[] {
	const last = new Map<string, Step>();
	for (const step of steps) last.set(`${step.kind}:${step.key}`, step);
	return [...last.values()].map((s) => ({ flow, kind: s.kind, key: s.key, final: s.status }));
}

function seededRandom(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = Math.imul(s ^ (s >>> 15), 1 | s);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}
