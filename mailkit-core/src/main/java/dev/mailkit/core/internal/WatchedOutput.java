package dev.mailkit.core.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** The client's plain-text output to a server: each write is reported to the connection's {@link Exchange}. */
final class WatchedOutput extends FilterOutputStream {

    private final Exchange exchange;

    WatchedOutput(OutputStream out, Exchange exchange) {
        super(out);
        this.exchange = exchange;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        exchange.clientWrote(b, off, len);
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        exchange.checkFailed();
        out.flush();
    }
}
