// Camera URLs often carry a user name and password (rtsp://admin:pw@host/...);
// they are removed before a URL or an ffmpeg message reaches a log or an alert.

/** Replaces the credentials of every URL in the text with "***". */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
