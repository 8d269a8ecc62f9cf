/** Diagnostics implementation: the raw probe connection. Not API. */
package dev.mailkit.core.internal.diagnostics;
