//! A small XML element tree over `quick-xml`, with the line of every element, so XML importers
//! can say `<box> at line 12: attribute xtl: …`, and escaping for the writers.

use super::FormatError;
use quick_xml::events::Event;
use quick_xml::XmlVersion;

/// Elements nested deeper than this are refused (a guard against hostile input).
const MAX_DEPTH: usize = 64;

/// One element: its name, attributes (unescaped), text content, children and line.
#[derive(Clone, Debug, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
    pub line: usize,
}

impl Element {
    /// The value of attribute `key`.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Children named `name`.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// Where this element is, for errors: `<box> at line 12`.
    pub fn place(&self) -> String {
        format!("<{}> at line {}", self.name, self.line)
    }

    /// An error about this element in `file`.
    pub fn error(&self, file: &str, message: impl Into<String>) -> FormatError {
        FormatError::at(file, self.place(), message)
    }

    /// A required attribute, or an error naming it.
    pub fn required(&self, file: &str, key: &str) -> Result<&str, FormatError> {
        self.attr(key)
            .ok_or_else(|| self.error(file, format!("missing attribute {key}")))
    }

    /// A required finite number attribute.
    pub fn number(&self, file: &str, key: &str) -> Result<f64, FormatError> {
        let text = self.required(file, key)?;
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.error(
                file,
                format!("attribute {key}: {text:?} is not a finite number"),
            )),
        }
    }

    /// An optional finite number attribute.
    pub fn opt_number(&self, file: &str, key: &str) -> Result<Option<f64>, FormatError> {
        match self.attr(key) {
            None => Ok(None),
            Some(_) => self.number(file, key).map(Some),
        }
    }
}

fn line_of(text: &str, offset: u64) -> usize {
    let end = (offset as usize).min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses a whole document into its root element; errors name the line.
pub(crate) fn parse(text: &str, file: &str) -> Result<Element, FormatError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let fail = |reader: &quick_xml::Reader<&[u8]>, message: String| {
        FormatError::at(
            file,
            format!("line {}", line_of(text, reader.error_position())),
            message,
        )
    };
    loop {
        let line = line_of(text, reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| fail(&reader, format!("malformed XML: {e}")))?;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(fail(&reader, "elements nested too deeply".into()));
                }
                stack.push(start(&e, line, file)?);
            }
            Event::Empty(e) => {
                let el = start(&e, line, file)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(fail(&reader, "more than one root element".into())),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(fail(&reader, "closing tag without an opening one".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(fail(&reader, "more than one root element".into())),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    let s = t
                        .xml_content(XmlVersion::Implicit1_0)
                        .map_err(|e| fail(&reader, format!("bad text: {e}")))?;
                    el.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&String::from_utf8_lossy(&t.into_inner()));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.decode().map(|n| n.into_owned()).unwrap_or_default();
                        match name.as_str() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => {
                                return Err(fail(&reader, format!("unknown entity &{other};")))
                            }
                        }
                    }
                    Err(e) => return Err(fail(&reader, format!("bad character reference: {e}"))),
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(FormatError::at(
            file,
            open.place(),
            "element is never closed",
        ));
    }
    root.ok_or_else(|| FormatError::file(file, "no XML element found"))
}

fn start(
    e: &quick_xml::events::BytesStart<'_>,
    line: usize,
    file: &str,
) -> Result<Element, FormatError> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| {
            FormatError::at(
                file,
                format!("<{name}> at line {line}"),
                format!("bad attribute: {err}"),
            )
        })?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| {
                FormatError::at(
                    file,
                    format!("<{name}> at line {line}"),
                    format!("attribute {key}: {err}"),
                )
            })?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        line,
        ..Default::default()
    })
}

/// Escapes text for an attribute value or element content.
pub(crate) fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_elements_with_lines_entities_and_errors() {
        let doc = "<a x=\"1 &amp; 2\">\n  <b>t &lt;&#65;</b>\n  <c/>\n</a>";
        let root = parse(doc, "f.xml").unwrap();
        assert_eq!(root.attr("x"), Some("1 & 2"));
        assert_eq!(root.child_text("b"), Some("t <A"));
        assert_eq!(root.child("c").unwrap().line, 3);
        let err = parse("<a>\n<b>\n</a>", "f.xml").unwrap_err();
        assert!(err.location.starts_with("line"), "{err}");
        let err = parse("<a>\n<b>", "f.xml").unwrap_err();
        assert!(err.to_string().contains("never closed"), "{err}");
        assert_eq!(escape("a<\"&"), "a&lt;&quot;&amp;");
    }
}
