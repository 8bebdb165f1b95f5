package uz.himoya.privacymap;

/** One problem in a privacy map, located so a reviewer can jump to it. */
public record MapProblem(String file, int line, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
