package uz.himoya.deletion.http;

/** The JSON confirm body {"token"}, read by StrictJson (an unknown field is a 422). */
record TokenBody(String token) {
}
