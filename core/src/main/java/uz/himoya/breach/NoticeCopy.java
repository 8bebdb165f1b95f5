package uz.himoya.breach;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.AffectedSubjects;

/**
 * Writes pages of affected subjects into Himoya's breach_notice with COPY, on the caller's transaction: one
 * PENDING notice per subject, numbered on from the incident's highest seq without gaps.
 *
 * <p>The row's values are those the SQL resolution always wrote, byte for byte, now computed here:
 * subject_hash = sha256(UTF-8 of hashKey || key as text), address_hash = sha256(UTF-8 of hashKey ||
 * lower(address)), where lower is each code point's Unicode lower case (PostgreSQL's lower() under a UTF-8
 * locale), and the locale is the subject's own if the app offers it, else the app's default. The address
 * itself goes in sealed (sealed_address, AES-GCM with a fresh nonce per row, V11): only the notifier opens it.
 *
 * <p>Exactly once: the pages come in strictly ascending key order, so one resolution never meets a subject
 * twice (a key repeated by a store whose key column is not unique is skipped). Only notices the incident
 * already had before this resolution (a second page of ids, a retried call, a resolution run again) can
 * collide: if the incident has any, each page first drops the subjects it already holds, so resolving again
 * adds nothing and numbering stays dense. The unique key (incident_id, subject_hash) stays the last guard:
 * a duplicate fails the COPY and the transaction, never doubles a notice. An incident that starts empty
 * needs no such look-up, and its rows go through one COPY for the whole resolution.
 */
final class NoticeCopy implements AutoCloseable {
    private static final String COPY = "COPY breach_notice (incident_id, seq, subject_hash, sealed_address, address_hash,"
            + " locale, status) FROM STDIN";
    private static final HexFormat HEX = HexFormat.of();

    private final Connection c;
    private final UUID incident;
    private final byte[] prefix;
    private final PrivacyMap.App app;
    private final Function<String, byte[]> seal;
    private final boolean mayHold;
    private final MessageDigest sha256;
    private final String incidentText;
    private CopyIn copy;
    private int seq;
    private int added;
    private String lastKey;

    /** seal: how an address is stored (Secrets.encrypt, AES-GCM); the row never holds it in clear. */
    NoticeCopy(Connection himoya, UUID incident, String hashKey, PrivacyMap.App app, Function<String, byte[]> seal)
            throws SQLException {
        if (himoya.getAutoCommit()) {
            throw new IllegalStateException("notices are written on the caller's transaction: auto-commit must be off");
        }
        this.c = himoya;
        this.incident = incident;
        this.incidentText = incident.toString();
        this.prefix = hashKey.getBytes(StandardCharsets.UTF_8);
        this.app = app;
        this.seal = seal;
        this.seq = BreachStore.maxSeq(himoya, incident);
        this.mayHold = seq > 0;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The locale a notice gets: the subject's own where the app offers it, else the app's default. */
    static String locale(String asked, PrivacyMap.App app) {
        return asked != null && app.locales().contains(asked) ? asked : app.defaultLocale();
    }

    /** One row's values, before numbering. */
    private record Notice(byte[] subjectHash, String address, byte[] addressHash, String locale) {
    }

    void write(List<AffectedSubjects.Subject> page) throws SQLException {
        List<Notice> notices = new ArrayList<>(page.size());
        for (AffectedSubjects.Subject s : page) {
            if (s.key().equals(lastKey) || s.email() == null || s.email().indexOf('\0') >= 0) {
                continue; // a repeated key; no address; or one PostgreSQL text cannot hold (nobody to write to)
            }
            lastKey = s.key();
            notices.add(new Notice(hash(s.key()), s.email(), hash(lower(s.email())), locale(s.locale(), app)));
        }
        if (mayHold && !notices.isEmpty()) {
            notices = withoutHeld(notices);
        }
        if (notices.isEmpty()) {
            return;
        }
        StringBuilder rows = new StringBuilder(notices.size() * 240);
        for (Notice n : notices) {
            rows.append(incidentText).append('\t').append(++seq).append("\t\\\\x").append(HEX.formatHex(n.subjectHash()))
                    .append('\t');
            rows.append("\\\\x").append(HEX.formatHex(seal.apply(n.address())));
            rows.append("\t\\\\x").append(HEX.formatHex(n.addressHash())).append('\t');
            escape(rows, n.locale());
            rows.append("\tPENDING\n");
        }
        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
        if (copy == null) {
            copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        }
        copy.writeToCopy(bytes, 0, bytes.length);
        added += notices.size();
        if (mayHold) {
            end(); // the next page's look-up needs the connection
        }
    }

    /** Ends the COPY; returns how many notices were added. */
    int finish() throws SQLException {
        end();
        return added;
    }

    /** Abandons an unfinished COPY (its rows never count); the caller's transaction is rolled back anyway. */
    @Override
    public void close() throws SQLException {
        if (copy != null && copy.isActive()) {
            CopyIn c = copy;
            copy = null;
            c.cancelCopy();
        }
    }

    private void end() throws SQLException {
        if (copy != null) {
            CopyIn c = copy;
            copy = null;
            c.endCopy();
        }
    }

    /** The page without the subjects the incident already has a notice for. */
    private List<Notice> withoutHeld(List<Notice> notices) throws SQLException {
        Set<ByteBuffer> held = new HashSet<>();
        Array hashes = c.createArrayOf("bytea", notices.stream().map(Notice::subjectHash).toArray(byte[][]::new));
        try (PreparedStatement ps = c.prepareStatement("SELECT subject_hash FROM breach_notice WHERE incident_id = ?"
                + " AND subject_hash = ANY(?)")) {
            ps.setObject(1, incident);
            ps.setArray(2, hashes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.add(ByteBuffer.wrap(rs.getBytes(1)));
                }
            }
        }
        if (held.isEmpty()) {
            return notices;
        }
        return notices.stream().filter(n -> !held.contains(ByteBuffer.wrap(n.subjectHash()))).toList();
    }

    private byte[] hash(String value) {
        sha256.update(prefix);
        return sha256.digest(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Each code point's Unicode simple lower case, as PostgreSQL's lower() maps each character under a UTF-8
     * locale; not String.toLowerCase, whose context rules (a final sigma, a dotted capital I) differ.
     */
    static String lower(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length();) {
            int cp = s.codePointAt(i);
            int lc = Character.toLowerCase(cp);
            if (lc != cp && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.appendCodePoint(lc);
            }
            i += Character.charCount(cp);
        }
        return b == null ? s : b.toString();
    }

    /** COPY's text format: backslash, tab, newline and carriage return escaped. */
    private static void escape(StringBuilder out, String v) {
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }
}
