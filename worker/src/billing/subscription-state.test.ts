import { describe, expect, it } from "vitest";
import { decide, type StoredState, type SubscriptionState } from "./subscription-state";

const incoming = (over: Partial<SubscriptionState> = {}): SubscriptionState => ({
  subscriptionId: "sub_a",
  status: "active",
  planId: "plus",
  renewsAt: null,
  cancelAt: null,
  eventCreated: 100,
  ...over,
});
const stored = (over: Partial<StoredState> = {}): StoredState => ({
  subscriptionId: "sub_a",
  status: "active",
  eventCreated: 100,
  ...over,
});

describe("decide", () => {
  it("applies anything to an account without a subscription yet", () => {
    expect(decide({ subscriptionId: null, status: null, eventCreated: 0 }, incoming({ status: "canceled" }))).toBe("apply");
  });

  it("same subscription: newer applies, older is stale, a tie asks Stripe", () => {
    expect(decide(stored(), incoming({ eventCreated: 101, status: "past_due" }))).toBe("apply");
    expect(decide(stored(), incoming({ eventCreated: 99 }))).toBe("stale");
    expect(decide(stored(), incoming({ eventCreated: 100, planId: "team" }))).toBe("refetch");
  });

  it("an ended subscription never comes back, however new the event claims to be", () => {
    expect(decide(stored({ status: "canceled" }), incoming({ eventCreated: 500 }))).toBe("stale");
    expect(decide(stored({ status: "incomplete_expired" }), incoming({ eventCreated: 500 }))).toBe("stale");
  });

  it("another subscription replaces an ended one, never a live one with an ended one, never with an older event", () => {
    expect(decide(stored({ status: "canceled" }), incoming({ subscriptionId: "sub_b", eventCreated: 101 }))).toBe("apply");
    expect(decide(stored(), incoming({ subscriptionId: "sub_b", status: "canceled", eventCreated: 101 }))).toBe("stale");
    expect(decide(stored({ status: "canceled" }), incoming({ subscriptionId: "sub_b", eventCreated: 99 }))).toBe("stale");
    expect(decide(stored(), incoming({ subscriptionId: "sub_b", eventCreated: 101 }))).toBe("apply");
  });
});
