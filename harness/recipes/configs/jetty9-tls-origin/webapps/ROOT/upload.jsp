<%--
  The upload resource: reads the request's whole content from its input stream, then answers 200.
--%><%@ page contentType="text/plain; charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %><%
    java.io.InputStream in = request.getInputStream();
    byte[] buf = new byte[8192];
    long n = 0;
    for (int r; (r = in.read(buf)) != -1; ) {
        n += r;
    }
    out.print("received " + n + " octets\n");
%>
