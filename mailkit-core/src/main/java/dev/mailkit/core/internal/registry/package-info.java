/** Provider registry implementation: data readers, lookup indexes, discovery steps. Not API. */
package dev.mailkit.core.internal.registry;
