/** The {@code mailkit} command-line tool: providers, send, sync, demo. */
package dev.mailkit.cli;
