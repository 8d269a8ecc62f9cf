/** Implementation of the fleet's PostgreSQL stores; not API. */
package dev.mailkit.fleet.internal;
