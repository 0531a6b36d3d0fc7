/**
 * Moved to the workspace test kit: import `@cargo-vpn/testkit/origin`. This
 * re-export only keeps tests written against the old path compiling until
 * they are switched over; add nothing here.
 */
export * from "@cargo-vpn/testkit/origin";
