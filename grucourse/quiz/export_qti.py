"""The bank as a QTI 1.2 package for Canvas ("QTI .zip file" import): imsmanifest.xml and one
assessment per bank file, in the structure Canvas exports and documents
(https://canvas.instructure.com/doc/api/file.quiz_import.html; IMS QTI ASI 1.2: questestinterop /
assessment / section / item with itemmetadata, presentation and resprocessing)."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from grucourse.quiz.model import Question
from grucourse.quiz.types import question_type
from grucourse.quiz.types.base import qti_text

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"


def package(questions: list[Question]) -> bytes:
    """The zip Canvas imports: a manifest and `<bank>/<bank>.xml` per bank file."""
    banks: dict[str, list[Question]] = {}
    for question in questions:
        banks.setdefault(Path(question.file).stem, []).append(question)
    buffer = io.BytesIO()
    files = {"imsmanifest.xml": manifest(list(banks))}
    files.update({f"{bank}/{bank}.xml": assessment(bank, members) for bank, members in banks.items()})
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, root in files.items():  # fixed dates: the same bank gives the same bytes
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), _xml(root))
    return buffer.getvalue()


def manifest(banks: list[str]) -> ET.Element:
    root = ET.Element("manifest", identifier="grucourse_quiz_bank", xmlns=MANIFEST_NS)
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    for bank in banks:
        resource = ET.SubElement(resources, "resource", identifier=bank, type="imsqti_xmlv1p2")
        ET.SubElement(resource, "file", href=f"{bank}/{bank}.xml")
    return root


def assessment(bank: str, questions: list[Question]) -> ET.Element:
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    test = ET.SubElement(root, "assessment", ident=bank, title=f"GRU question bank: {bank}")
    section = ET.SubElement(test, "section", ident="root_section")
    for question in questions:
        section.append(item(question))
    return root


def item(question: Question) -> ET.Element:
    kind = question_type(question.type)
    node = ET.Element("item", ident=question.id, title=question.id)
    fields = ET.SubElement(ET.SubElement(node, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", kind.canvas_type), ("points_possible", f"{question.points:g}")):
        field = ET.SubElement(fields, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry
    presentation = ET.SubElement(node, "presentation")
    qti_text(presentation, question.prompt_with().strip())
    processing = ET.SubElement(node, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    kind.qti(question, presentation, processing)
    feedback = ET.SubElement(node, "itemfeedback", ident="general_fb")
    qti_text(ET.SubElement(feedback, "flow_mat"), question.explanation.strip())
    return node


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
