package io.nginxalerts.core.parse;

/**
 * Reads an nginx or Apache {@code combined} line into an {@link EventDraft}:
 *
 * <pre>
 * $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
 * </pre>
 *
 * and the two Apache shapes that differ from it only at the ends: {@code common} (the line ends
 * after the size: no referer, no user agent) and {@code vhost_combined} (the line starts with
 * {@code host:port } or {@code host }, the virtual host, which becomes {@code http_host}; the port
 * becomes the extra field {@code server_port}).
 *
 * <p>A single left-to-right scan with no regex, so the cost is linear in the line whatever it
 * holds. The shape is checked first (anything else is {@link RejectReason#UNRECOGNIZED_FORMAT});
 * only a line with the right shape can have invalid fields. Quoted strings may contain nginx's
 * {@code \xHH} escapes and {@code \"}; a third quoted string after the user agent is taken as
 * {@code xff} ({@code $http_x_forwarded_for}, as in many extended formats), anything after it is
 * ignored.
 */
final class CombinedLineParser {

    private static final int MAX_METHOD_CHARS = 32;

    private final String s;
    private int pos;

    private CombinedLineParser(String line) {
        this.s = line;
    }

    /** Fills {@code d} from {@code line} (already stripped of surrounding white space). */
    static void parse(String line, EventDraft d) {
        new CombinedLineParser(line).scan(d);
    }

    private void scan(EventDraft d) {
        int addrEnd = s.indexOf(' ');
        if (addrEnd <= 0) {
            unrecognized(d);
            return;
        }
        int addrStart = 0;
        String vhost = null;
        if (!ParsedValues.looksLikeIp(s.substring(0, addrEnd))) {
            // vhost_combined: "host[:port] addr - user [time] ...". Only a line whose first word
            // is no address pays for this look at the second one.
            int next = s.indexOf(' ', addrEnd + 1);
            if (next > addrEnd + 1 && ParsedValues.looksLikeIp(s.substring(addrEnd + 1, next))) {
                vhost = s.substring(0, addrEnd);
                addrStart = addrEnd + 1;
                addrEnd = next;
            }
        }
        String addr = s.substring(addrStart, addrEnd);
        // Between the address and the time: "$remote_ident $remote_user" (ident is always "-").
        int timeStart = s.indexOf(" [", addrEnd + 1);
        int timeEnd = timeStart < 0 ? -1 : s.indexOf(']', timeStart);
        if (timeStart < 0 || timeEnd < 0 || addr.indexOf('"') >= 0 || addr.indexOf('[') >= 0) {
            unrecognized(d);
            return;
        }
        String users = s.substring(addrEnd + 1, timeStart);
        int userSep = users.indexOf(' ');
        if (userSep < 0) {
            unrecognized(d);
            return;
        }
        String time = s.substring(timeStart + 2, timeEnd);
        pos = timeEnd + 1;

        if (!space()) {
            unrecognized(d);
            return;
        }
        int requestStart = pos + 1;
        int requestEnd = quoted();
        if (requestEnd < 0 || !space()) {
            unrecognized(d);
            return;
        }
        String status = token();
        if (status == null || !space()) {
            unrecognized(d);
            return;
        }
        String bytes = token();
        if (bytes == null) {
            unrecognized(d);
            return;
        }
        // Apache common ends here; combined goes on with the referer and the user agent.
        boolean common = pos == s.length();
        if (!common && !space()) {
            unrecognized(d);
            return;
        }
        int referStart = -1;
        int referEnd = -1;
        int agentStart = -1;
        int agentEnd = -1;
        if (!common) {
            referStart = pos + 1;
            referEnd = quoted();
            if (referEnd < 0 || !space()) {
                unrecognized(d);
                return;
            }
            agentStart = pos + 1;
            agentEnd = quoted();
            if (agentEnd < 0) {
                unrecognized(d);
                return;
            }
        }
        int xffStart = -1;
        int xffEnd = -1;
        if (!common && space() && pos < s.length() && s.charAt(pos) == '"') {
            xffStart = pos + 1;
            xffEnd = quoted();
        }
        if (!digitsOnly(status) || !("-".equals(bytes) || digitsOnly(bytes))) {
            // A word where a number belongs: this is some other format, not a bad value.
            unrecognized(d);
            return;
        }
        long statusCode = status.length() > 3 ? -1 : ParsedValues.parseNonNegativeLong(status);
        long size = "-".equals(bytes) ? 0 : ParsedValues.parseNonNegativeLong(bytes);

        d.clientip = ParsedValues.absentToNull(addr);
        if (vhost != null) {
            int colon = vhost.lastIndexOf(':');
            if (colon > 0 && colon < vhost.length() - 1 && digitsOnly(vhost.substring(colon + 1))) {
                d.putExtra("server_port", vhost.substring(colon + 1));
                vhost = vhost.substring(0, colon);
            }
            d.httpHost = ParsedValues.absentToNull(vhost);
        }
        String user = ParsedValues.absentToNull(users.substring(userSep + 1));
        if (user != null) {
            d.putExtra("remote_user", ParsedValues.unescapeNginx(user, 0, user.length()));
        }
        long millis = Timestamps.parseCommonLog(time);
        if (millis == Timestamps.INVALID) {
            d.fail(
                    RejectReason.INVALID_TIMESTAMP,
                    "unparseable $time_local " + ParsedValues.excerpt(time));
        } else {
            d.timestamp = millis;
            d.hasTimestamp = true;
        }
        if (statusCode < 100 || statusCode > 599) {
            d.fail(
                    RejectReason.INVALID_FIELD,
                    "status " + ParsedValues.excerpt(status) + " is not an HTTP status (100-599)");
        } else {
            d.status = (int) statusCode;
        }
        if (size < 0) {
            d.fail(
                    RejectReason.INVALID_FIELD,
                    "size " + ParsedValues.excerpt(bytes) + " is out of range");
        } else {
            d.size = size;
        }
        request(ParsedValues.unescapeNginx(s, requestStart, requestEnd), d);
        if (!common) {
            d.refer =
                    ParsedValues.absentToNull(ParsedValues.unescapeNginx(s, referStart, referEnd));
            d.agent =
                    ParsedValues.absentToNull(ParsedValues.unescapeNginx(s, agentStart, agentEnd));
        }
        if (xffEnd >= 0) {
            d.xff = ParsedValues.absentToNull(ParsedValues.unescapeNginx(s, xffStart, xffEnd));
        }
    }

    /**
     * Splits {@code "METHOD URI PROTOCOL"}. Anything else (nginx logs {@code "-"} for a connection
     * without a request and the raw bytes of TLS handshakes sent to a plain port, with status 400)
     * is still an event: no method or protocol, and the raw text as {@code url}, which is what
     * scanner rules want to see.
     */
    static void request(String request, EventDraft d) {
        String text = ParsedValues.absentToNull(request);
        if (text == null) {
            return;
        }
        int first = text.indexOf(' ');
        int last = text.lastIndexOf(' ');
        if (first > 0 && isMethod(text, first)) {
            if (last > first + 1 && text.startsWith("HTTP/", last + 1)) {
                d.method = text.substring(0, first);
                d.url = text.substring(first + 1, last);
                d.protocol = text.substring(last + 1);
                return;
            }
            if (last == first && first + 1 < text.length()) {
                // HTTP/0.9 style "GET /": no protocol.
                d.method = text.substring(0, first);
                d.url = text.substring(first + 1);
                return;
            }
        }
        d.url = text;
    }

    private static boolean isMethod(String text, int end) {
        if (end > MAX_METHOD_CHARS) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** Consumes one or more spaces; false if there is none. */
    private boolean space() {
        int from = pos;
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
        return pos > from;
    }

    /** A run of non-space characters, or null if there is none. */
    private String token() {
        int from = pos;
        while (pos < s.length() && s.charAt(pos) != ' ') {
            pos++;
        }
        return pos > from ? s.substring(from, pos) : null;
    }

    /**
     * Consumes a quoted string starting at {@code pos}; returns the index of its closing quote (the
     * content is between {@code pos + 1} at entry and that index), or -1. A backslash escapes the
     * next character, so {@code \"} does not close the string.
     */
    private int quoted() {
        if (pos >= s.length() || s.charAt(pos) != '"') {
            return -1;
        }
        int i = pos + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return i;
            }
            i += c == '\\' ? 2 : 1;
        }
        return -1;
    }

    private static boolean digitsOnly(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!ParsedValues.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static void unrecognized(EventDraft d) {
        d.fail(
                RejectReason.UNRECOGNIZED_FORMAT,
                "neither JSON nor a combined, common or vhost_combined line");
    }
}
