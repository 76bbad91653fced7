/**
 * QI Tech's webhook catalog, written once. Everything else (envelope schemas, routing,
 * ordering, fixtures, docs, simulator) reads from these two tables.
 * Source: QI Tech's five webhook pages; their example payloads, verbatim, are examples.json beside this file.
 */

export const ENTITY_KINDS = [
	"issuer",
	"investor",
	"operation",
	"subscription",
	"subscription_payment",
	"asset",
	"assignment",
	"payment_instrument_entry",
	"payment_batch",
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Authentic, well-formed envelopes of a type not in the catalog land under this kind. */
export const UNCLASSIFIED = "unclassified";
export type AnyKind = EntityKind | typeof UNCLASSIFIED;

/** A: commercial paper. B: trade receivables, BaaS, settlement. */
export const ENVELOPES = {
	A: { type: "event_type", time: "event_datetime", data: "event_data" },
	B: { type: "webhook_type", time: "webhook_datetime", data: "data" },
} as const;
export type EnvelopeName = keyof typeof ENVELOPES;

export interface EventTypeSpec {
	envelope: EnvelopeName;
	kind: EntityKind;
	/** Field of the data object that names the entity. */
	key: string;
	/** Field of the data object that carries the new status. */
	status: string;
	/** Other entities this one belongs to: link name → field of the data object. */
	links: Record<string, string>;
}

export const EVENT_TYPES = {
	"issuer_management.issuer_status_change": {
		envelope: "A",
		kind: "issuer",
		key: "issuer_key",
		status: "status",
		links: {},
	},
	"investor_management.investor_status_change": {
		envelope: "A",
		kind: "investor",
		key: "investor_key",
		status: "status",
		links: {},
	},
	"commercial_paper.operation_status_change": {
		envelope: "A",
		kind: "operation",
		key: "operation_key",
		status: "status",
		links: {},
	},
	"subscription.subscription_status_change": {
		envelope: "A",
		kind: "subscription",
		key: "subscription_key",
		status: "status",
		links: { integralization: "integralization_key" },
	},
	"subscription_payment.subscription_payment_status_change": {
		envelope: "A",
		kind: "subscription_payment",
		key: "subscription_payment_key",
		status: "status",
		links: { subscription: "subscription_key", integralization: "integralization_key" },
	},
	"trade_receivables.asset_creation": {
		envelope: "B",
		kind: "asset",
		key: "asset_external_id",
		status: "asset_new_status",
		links: { assignment: "assignment_external_id", fund_class: "fund_class_key" },
	},
	"trade_receivables.asset_status_change": {
		envelope: "B",
		kind: "asset",
		key: "asset_external_id",
		status: "asset_new_status",
		links: { assignment: "assignment_external_id", fund_class: "fund_class_key" },
	},
	"trade_receivables.assignment_status_change": {
		envelope: "B",
		kind: "assignment",
		key: "assignment_external_id",
		status: "assignment_new_status",
		links: { fund_class: "fund_class_key" },
	},
	"baas.invoice.payment_instrument_entry": {
		envelope: "B",
		kind: "payment_instrument_entry",
		key: "payment_instrument_entry_key",
		status: "payment_instrument_entry_status",
		links: { payment_instrument: "payment_instrument_key" },
	},
	"settlement.payment_batch_status_change": {
		envelope: "B",
		kind: "payment_batch",
		key: "external_id",
		status: "status",
		links: { fund_class_document: "fund_class_document_number" },
	},
} as const satisfies Record<string, EventTypeSpec>;
export type EventType = keyof typeof EVENT_TYPES;

export interface FlowSpec {
	/** Every documented status, in flow order: a later position is a later step. */
	order: readonly string[];
	final: readonly string[];
	/** Documented forward steps, as chains: ["a", "b", "c"] is a → b → c. */
	paths: readonly (readonly string[])[];
	/** Final statuses reachable from every open status (cancel, discard). */
	fromAnyOpen?: readonly string[];
}

const approval: FlowSpec = { order: ["approved", "reproved"], final: ["approved", "reproved"], paths: [] };

export const FLOWS: Record<EntityKind, FlowSpec> = {
	issuer: approval,
	investor: approval,
	operation: {
		order: ["pending_signature_submission", "waiting_signature", "issued", "canceled"],
		final: ["issued", "canceled"],
		paths: [["pending_signature_submission", "waiting_signature", "issued"]],
		fromAnyOpen: ["canceled"],
	},
	subscription: {
		order: ["waiting_signature", "waiting_payment", "finished"],
		final: ["finished"],
		paths: [["waiting_signature", "waiting_payment", "finished"]],
	},
	subscription_payment: {
		order: ["waiting_confirmation", "confirmed"],
		final: ["confirmed"],
		paths: [["waiting_confirmation", "confirmed"]],
	},
	asset: {
		order: [
			"pending_eligibility",
			"pending_documentation",
			"pre_approved",
			"pending_formalization",
			"completed",
			"denied",
			"discarded",
		],
		final: ["completed", "denied", "discarded"],
		paths: [
			["pending_eligibility", "pending_documentation", "pre_approved", "pending_formalization", "completed"],
			["pending_eligibility", "pre_approved"],
			["pending_eligibility", "denied"],
			["pending_documentation", "denied"],
		],
		fromAnyOpen: ["discarded"],
	},
	assignment: {
		order: [
			"pending_assets_insertion",
			"completed_assets_insertion",
			"pending_eligibility",
			"pending_consultant_approval",
			"pending_manager_approval",
			"denied",
			"waiting_assets_to_formalize",
			"pending_assignment_term",
			"pending_assignment_term_signature",
			"pending_payment",
			"pending_assets_wallet_inclusion",
			"completed",
			"discarded",
		],
		// `denied` is not final: "the batch can still be manipulated", else it is discarded.
		final: ["completed", "discarded"],
		paths: [
			[
				"pending_assets_insertion",
				"completed_assets_insertion",
				"pending_eligibility",
				"pending_consultant_approval",
				"pending_manager_approval",
				"waiting_assets_to_formalize",
				"pending_assignment_term",
				"pending_assignment_term_signature",
				"pending_payment",
				"pending_assets_wallet_inclusion",
				"completed",
			],
			["pending_eligibility", "pending_manager_approval"],
			["pending_eligibility", "denied"],
			["pending_consultant_approval", "denied"],
			["pending_manager_approval", "denied"],
		],
		fromAnyOpen: ["discarded"],
	},
	payment_instrument_entry: {
		order: ["processing_conclusion", "processing_cancellation", "concluded", "canceled"],
		final: ["concluded", "canceled"],
		paths: [
			["processing_conclusion", "concluded"],
			["processing_cancellation", "canceled"],
			["processing_conclusion", "processing_cancellation", "canceled"],
		],
	},
	payment_batch: {
		order: ["paid", "completed", "discarded"],
		final: ["completed", "discarded"],
		paths: [["paid", "completed"]],
		fromAnyOpen: ["discarded"],
	},
};

export function isEventType(type: string): type is EventType {
	return Object.hasOwn(EVENT_TYPES, type);
}

export function isEntityKind(kind: string): kind is EntityKind {
	return (ENTITY_KINDS as readonly string[]).includes(kind);
}

/** The event types QI Tech sends about entities of this kind. */
export function typesOfKind(kind: EntityKind): EventType[] {
	return (Object.keys(EVENT_TYPES) as EventType[]).filter((type) => EVENT_TYPES[type].kind === kind);
}
