/** Sending-rate limits: per minute (waits) and per day (refusals). Not API. */
package dev.mailkit.smtp.internal.ratelimit;
