/**
 * Many accounts kept in sync by a fleet of workers sharing one PostgreSQL database: {@link dev.mailkit.fleet.FleetDatabase}
 * holds every account's sync state, hands accounts out to workers as {@link dev.mailkit.fleet.Lease}s with fencing
 * tokens, and refuses a write made under a lost lease with a {@link dev.mailkit.fleet.LeaseLostException}.
 */
package dev.mailkit.fleet;
