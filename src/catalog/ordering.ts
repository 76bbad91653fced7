/**
 * The ordering rules: which of two events of one entity comes later, and whether a move
 * between two statuses is one the documented flows allow.
 */
import { type AnyKind, type EntityKind, FLOWS, type FlowSpec, isEntityKind } from "./catalog";

export interface Moment {
	/** Event time in epoch milliseconds. */
	at: number;
	status: string;
}

export type Anomaly = "unknown_status" | "unexpected_transition";

export interface Judgement {
	/** True when the event is newer than the entity's current state and becomes it. */
	applied: boolean;
	anomaly: Anomaly | null;
}

interface CompiledFlow {
	step: Map<string, number>;
	final: Set<string>;
	reachable: Map<string, Set<string>>;
}

const compiled = new Map<EntityKind, CompiledFlow>();

function compile(kind: EntityKind): CompiledFlow {
	const cached = compiled.get(kind);
	if (cached) return cached;
	const flow = FLOWS[kind];
	const next = directSteps(flow);
	const reachable = new Map<string, Set<string>>();
	for (const status of flow.order) reachable.set(status, closure(status, next));
	const result = {
		step: new Map(flow.order.map((status, index) => [status, index])),
		final: new Set(flow.final),
		reachable,
	};
	compiled.set(kind, result);
	return result;
}

function directSteps(flow: FlowSpec): Map<string, Set<string>> {
	const next = new Map<string, Set<string>>(flow.order.map((s) => [s, new Set<string>()]));
	for (const path of flow.paths) {
		for (let i = 0; i + 1 < path.length; i++) next.get(path[i])?.add(path[i + 1]);
	}
	for (const status of flow.order) {
		if (flow.final.includes(status)) continue;
		for (const end of flow.fromAnyOpen ?? []) next.get(status)?.add(end);
	}
	return next;
}

function closure(start: string, next: Map<string, Set<string>>): Set<string> {
	const seen = new Set<string>();
	const todo = [...(next.get(start) ?? [])];
	while (todo.length > 0) {
		const status = todo.pop() as string;
		if (seen.has(status)) continue;
		seen.add(status);
		todo.push(...(next.get(status) ?? []));
	}
	return seen;
}

export function isKnownStatus(kind: AnyKind, status: string): boolean {
	return !isEntityKind(kind) || compile(kind).step.has(status);
}

/**
 * Whether the documented flows lead from one status to the other. A kind outside the catalog, or
 * an unknown `from` (flagged when it arrived), cannot tell: yes.
 */
export function isDocumentedMove(kind: AnyKind, from: string, to: string): boolean {
	if (!isEntityKind(kind) || from === to) return true;
	return compile(kind).reachable.get(from)?.has(to) ?? true;
}

export function isFinalStatus(kind: AnyKind, status: string): boolean {
	return isEntityKind(kind) && compile(kind).final.has(status);
}

/**
 * Total order of an entity's events: by time; at the same instant final statuses beat
 * open ones, then the later step of the flow wins, then (only for statuses outside the
 * flow) the status name, so any delivery order ends in the same state.
 */
export function compareMoments(kind: AnyKind, a: Moment, b: Moment): number {
	if (a.at !== b.at) return a.at - b.at;
	const fa = isFinalStatus(kind, a.status) ? 1 : 0;
	const fb = isFinalStatus(kind, b.status) ? 1 : 0;
	if (fa !== fb) return fa - fb;
	const sa = stepOf(kind, a.status);
	const sb = stepOf(kind, b.status);
	if (sa !== sb) return sa - sb;
	return a.status < b.status ? -1 : a.status > b.status ? 1 : 0;
}

function stepOf(kind: AnyKind, status: string): number {
	return isEntityKind(kind) ? (compile(kind).step.get(status) ?? -1) : 0;
}

/** Decide what an incoming event does to an entity whose current state is `current`. */
export function judge(kind: AnyKind, current: Moment | null, incoming: Moment): Judgement {
	const applied = current === null || compareMoments(kind, incoming, current) > 0;
	if (!isKnownStatus(kind, incoming.status)) return { applied, anomaly: "unknown_status" };
	if (!applied || current === null || !isEntityKind(kind)) return { applied, anomaly: null };
	if (isDocumentedMove(kind, current.status, incoming.status)) return { applied, anomaly: null };
	return { applied, anomaly: "unexpected_transition" };
}
