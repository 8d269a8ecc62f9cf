package dev.mailkit.imap.internal.engine;

import dev.mailkit.core.registry.ProviderSettings;
import dev.mailkit.imap.spi.MessageStore;
import dev.mailkit.imap.SyncListener;
import dev.mailkit.imap.spi.SyncStateStore;
import java.util.Map;
import java.util.Set;

/** A piece of the sync, with short names for what every piece reads from the {@link SyncContext}. */
abstract class EnginePart {

    final SyncContext ctx;
    final SyncStateStore state;
    final MessageStore local;
    final SyncOptions options;
    final SyncListener listener;
    final ProviderSettings provider;
    /** Folders whose last push left something for a later sync. */
    final Set<String> rescanNext;
    /** Folder to deletions seen on the server that the current sync refused to apply locally. */
    final Map<String, Integer> refusedOnServer;
    /** Server folder name to its hierarchy separator. */
    final Map<String, Character> separators;

    EnginePart(SyncContext ctx) {
        this.ctx = ctx;
        this.state = ctx.state;
        this.local = ctx.local;
        this.options = ctx.options;
        this.listener = ctx.listener;
        this.provider = ctx.provider;
        this.rescanNext = ctx.rescanNext;
        this.refusedOnServer = ctx.refusedOnServer;
        this.separators = ctx.separators;
    }
}
