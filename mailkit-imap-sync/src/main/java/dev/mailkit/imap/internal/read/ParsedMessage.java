package dev.mailkit.imap.internal.read;

import dev.mailkit.imap.Envelope;
import dev.mailkit.imap.LocalMessage;
import dev.mailkit.imap.MessagePart;
import dev.mailkit.imap.internal.mime.HtmlText;
import dev.mailkit.imap.internal.mime.MessageParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link LocalMessage} from one parse of its file. */
final class ParsedMessage implements LocalMessage {

    private final Envelope envelope;
    private final List<Header> headers;
    private final String text;
    private final String html;
    private final boolean truncated;
    private final List<MessagePart> attachments;
    private final List<MessagePart> inline;
    private final FilePart.Source source;

    ParsedMessage(Envelope envelope, MessageParser.Result r, FilePart.Source source) {
        this.envelope = envelope;
        this.source = source;
        List<Header> h = new ArrayList<>(r.headers().size());
        r.headers().forEach(f -> h.add(new Header(f.name(), f.value())));
        this.headers = List.copyOf(h);
        this.text = r.text();
        this.html = r.html();
        this.truncated = r.textTruncated() || r.htmlTruncated() || r.headersTruncated();
        List<MessagePart> a = new ArrayList<>();
        List<MessagePart> i = new ArrayList<>();
        for (MessageParser.Part p : r.parts()) {
            (p.inline() ? i : a).add(new FilePart(source, p));
        }
        this.attachments = List.copyOf(a);
        this.inline = List.copyOf(i);
    }

    @Override
    public Envelope envelope() {
        return envelope;
    }

    @Override
    public List<Header> headers() {
        return headers;
    }

    @Override
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    @Override
    public Optional<String> text() {
        return Optional.ofNullable(text);
    }

    @Override
    public Optional<String> html() {
        return Optional.ofNullable(html);
    }

    @Override
    public String displayText() {
        if (text != null) {
            return text;
        }
        return html == null ? "" : HtmlText.of(html, html.length()).strip();
    }

    @Override
    public boolean truncated() {
        return truncated;
    }

    @Override
    public List<MessagePart> attachments() {
        return attachments;
    }

    @Override
    public List<MessagePart> inlineParts() {
        return inline;
    }

    @Override
    public InputStream openRaw() throws IOException {
        return source.open();
    }

    @Override
    public String toString() {
        return "LocalMessage[" + envelope.id() + ", " + attachments.size() + " attachment(s)]";
    }
}
