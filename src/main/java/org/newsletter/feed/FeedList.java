package org.newsletter.feed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.newsletter.config.BadInputException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads the feed list, an OPML file: every {@code <outline>} with an {@code xmlUrl} is a feed.
 * Relative URLs are resolved against the OPML file, so a folder of feed files can travel with
 * its list.
 */
public final class FeedList {

	private FeedList() {
	}

	/** Reads the list; a missing or malformed file is bad input naming the file and line. */
	public static List<FeedSource> read(Path opml) {
		try (InputStream in = Files.newInputStream(opml)) {
			var factory = DocumentBuilderFactory.newInstance();
			factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			factory.setExpandEntityReferences(false);
			var builder = factory.newDocumentBuilder();
			builder.setErrorHandler(null); // errors are thrown, not also printed to stderr
			var document = builder.parse(in);
			return sources(document.getElementsByTagName("outline"), opml);
		}
		catch (NoSuchFileException ex) {
			throw new BadInputException("feed list " + opml + " does not exist");
		}
		catch (SAXParseException ex) {
			throw new BadInputException("feed list " + opml + ", line " + ex.getLineNumber() + ": " + ex.getMessage());
		}
		catch (IOException | SAXException | ParserConfigurationException ex) {
			throw new BadInputException("feed list " + opml + " cannot be read: " + ex.getMessage());
		}
	}

	private static List<FeedSource> sources(NodeList outlines, Path opml) {
		URI base = opml.toAbsolutePath().toUri();
		Map<String, FeedSource> byUrl = new LinkedHashMap<>();
		for (int i = 0; i < outlines.getLength(); i++) {
			var outline = (Element) outlines.item(i);
			String xmlUrl = outline.getAttribute("xmlUrl").strip();
			if (xmlUrl.isEmpty()) {
				continue;
			}
			String url = resolve(base, xmlUrl, opml);
			String title = outline.hasAttribute("title") ? outline.getAttribute("title") : outline.getAttribute("text");
			byUrl.putIfAbsent(url, new FeedSource(url, title.strip()));
		}
		return new ArrayList<>(byUrl.values());
	}

	private static String resolve(URI base, String xmlUrl, Path opml) {
		try {
			return base.resolve(new URI(xmlUrl.replace(" ", "%20"))).toString();
		}
		catch (Exception ex) {
			throw new BadInputException("feed list " + opml + ": feed URL '" + xmlUrl + "' is not a URL");
		}
	}
}
