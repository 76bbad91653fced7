/** What a run did, per flow, and whether every entity ended where QI Tech's documentation says. */
import type { FlowName, Plan, PlannedEntity } from "./plan";
import type { Outcome } from "./run";

export interface EntityResult extends PlannedEntity {
	/** The status in the receiver's last answer for this entity (null: never accepted). */
	answered: string | null;
	/** The status read back afterwards; null: not found there; undefined: not checked. */
	readBack: string | null | undefined;
}

export interface FlowSummary {
	flow: FlowName;
	sent: number;
	accepted: number;
	duplicate: number;
	stale: number;
	rejected: number;
	entities: EntityResult[];
}

/** `readBack` holds statuses by `kind:key`, for the entities that were checked. */
export function summarise(
	plan: Plan,
	outcomes: readonly Outcome[],
	readBack = new Map<string, string | null>(),
): FlowSummary[] {
	const answered = new Map<string, string>();
	for (const o of outcomes)
		if (o.entityStatus !== null) answered.set(`${o.webhook.kind}:${o.webhook.key}`, o.entityStatus);
	const flows = [...new Set(plan.entities.map((e) => e.flow))];
	return flows.map((flow) => {
		const mine = outcomes.filter((o) => o.webhook.flow === flow);
		const count = (answer: Outcome["answer"]) => mine.filter((o) => o.answer === answer).length;
		const entities = plan.entities
			.filter((e) => e.flow === flow)
			.map((e) => {
				const name = `${e.kind}:${e.key}`;
				return {
					...e,
					answered: answered.get(name) ?? null,
					readBack: readBack.has(name) ? readBack.get(name) : undefined,
				};
			});
		return {
			flow,
			sent: mine.length,
			accepted: count("accepted"),
			duplicate: count("duplicate"),
			stale: count("stale"),
			rejected: count("rejected"),
			entities,
		};
	});
}

/** Both the receiver's last answer and the read-back status (when checked) are the documented final. */
export function endedAsDocumented(e: EntityResult): boolean {
	return e.answered === e.final && (e.readBack === undefined || e.readBack === e.final);
}

export function mismatches(summaries: readonly FlowSummary[]): EntityResult[] {
	return summaries.flatMap((s) => s.entities.filter((e) => !endedAsDocumented(e)));
}
